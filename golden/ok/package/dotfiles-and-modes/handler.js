'use strict';
module.exports.main = async () => require('leftpad-lite')('x', 3);
