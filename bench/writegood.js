// write-good over the same files, warm, in one Node process: node writegood.js NODE_MODULES PATHS_FILE
const fs = require('fs');
const path = require('path');

const [modules, pathsFile] = process.argv.slice(2);
const writeGood = require(path.join(modules, 'write-good'));
const { version } = require(path.join(modules, 'write-good', 'package.json'));
const paths = fs.readFileSync(pathsFile, 'utf8').split('\n').filter(Boolean);

paths.slice(0, 20).forEach((file) => writeGood(fs.readFileSync(file, 'utf8')));
const started = process.hrtime.bigint();
let suggestions = 0;
for (const file of paths) {
  suggestions += writeGood(fs.readFileSync(file, 'utf8')).length;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ seconds, suggestions, version }));
