exports.authorizer = async () => ({isAuthorized: true});
exports.worker = async () => 1;
exports.listener = async () => 2;
