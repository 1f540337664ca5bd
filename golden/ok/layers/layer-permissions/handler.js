'use strict';
const { greet } = require('/opt/nodejs/util');
module.exports.main = async () => greet('layer');
