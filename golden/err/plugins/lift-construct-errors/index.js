exports.api = 1;
exports.worker = 2;
