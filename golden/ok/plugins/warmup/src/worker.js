exports.handler = async () => 'worker';
