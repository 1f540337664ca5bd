module.exports.hello=async()=>({})
