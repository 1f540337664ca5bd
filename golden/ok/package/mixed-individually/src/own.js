exports.handler = async () => 'own';
