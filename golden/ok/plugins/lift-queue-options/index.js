exports.producer = async () => 1;
exports.consumer = async () => 2;
