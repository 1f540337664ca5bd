exports.api = async () => ({});
exports.worker = async () => ({});
exports.legacy = async () => ({});
