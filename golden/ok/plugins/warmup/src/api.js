exports.handler = async () => 'api';
