exports.main = async () => null;
