exports.main = async () => 1;
