// What synthetic ES modules (node: builtins, CommonJS files imported from ESM, TypeScript files)
// import: the values they re-export and createRequire.
export { esmBridge } from './modules.js'
