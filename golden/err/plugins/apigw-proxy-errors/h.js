exports.main = 1;
