exports.handler = async () => 'second';
