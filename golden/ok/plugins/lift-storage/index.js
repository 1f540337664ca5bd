exports.api = async () => 1;
