exports.main = async (e) => e;
