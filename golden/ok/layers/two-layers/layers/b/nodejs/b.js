module.exports.b = true;
