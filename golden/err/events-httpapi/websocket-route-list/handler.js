exports.connections = async () => ({ statusCode: 200 });
