exports.handler = async () => ({});
