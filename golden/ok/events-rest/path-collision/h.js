exports.a = async () => ({ statusCode: 200 });
