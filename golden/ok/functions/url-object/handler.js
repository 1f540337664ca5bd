'use strict';
module.exports.main = async () => ({ statusCode: 200, body: 'ok' });
