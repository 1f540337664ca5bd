exports.handler = async () => 'report';
