exports.handler = async () => 'also';
