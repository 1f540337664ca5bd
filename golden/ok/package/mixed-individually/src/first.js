exports.handler = async () => 'first';
