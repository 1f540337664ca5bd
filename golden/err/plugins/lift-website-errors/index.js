exports.api = async () => ({});
