exports.producer = async () => 1;
exports.consumer = async () => 2;
exports.mailer = async () => 3;
