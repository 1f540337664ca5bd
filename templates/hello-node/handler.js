'use strict';

exports.hello = async (event, context) => {
  console.log('event:', JSON.stringify(event));
  const name = (event && event.name) || 'world';
  return {
    message: `${process.env.GREETING || 'Hello'}, ${name}!`,
    function: context.functionName,
  };
};
