exports.api = async () => ({ statusCode: 200 });
