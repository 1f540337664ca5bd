exports.home = async () => ({});
exports.legacy = async () => ({});
