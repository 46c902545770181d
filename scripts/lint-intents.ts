/**
 * npm run lint:intents — intents/ and corpus/ agree, and every template
 * renders; also lists the service intents that lack answers for some
 * aspects of follow-up questions (a report, not a failure: defaults cover them),
 * and checks the department list against the dispatch corpus.
 */
import { cliConfig, runCli } from '../src/cli/common.js';
import { aspectGaps } from '../src/dialogue/aspect-coverage.js';
import { loadBehaviour } from '../src/dialogue/definitions.js';
import { lintBehaviour } from '../src/dialogue/lint.js';
import { hasDepartmentCorpus, loadDepartmentCorpus } from '../src/dispatch/department-corpus.js';
import { loadDepartments } from '../src/dispatch/departments.js';
import { lintDepartmentCorpus } from '../src/dispatch/lint-departments.js';
import { loadCorpus } from '../src/nlu/corpus.js';

runCli(async () => {
  const config = cliConfig();
  const behaviour = loadBehaviour(config.INTENTS_DIR);
  const corpus = loadCorpus(config.CORPUS_DIR);
  const problems = lintBehaviour(behaviour, [...new Set(corpus.train.map((r) => r.intent))]);
  const departments = loadDepartments(config.departmentsFile);
  const dispatch = hasDepartmentCorpus(config.CORPUS_DIR) ? loadDepartmentCorpus(config.CORPUS_DIR, departments) : null;
  if (dispatch) problems.push(...lintDepartmentCorpus(departments, dispatch));
  for (const p of problems) console.error(`✗ ${p}`);
  const gaps = aspectGaps(behaviour);
  const services = [...behaviour.intents.values()].filter((i) => i.topic).length;
  for (const g of gaps)
    console.log(`· ${g.file}:${g.line} ${g.intent} has no answer for: ${g.missing.join(', ')} (the default answer is used)`);
  console.log(`aspect answers: ${services - gaps.length} of ${services} service intents answer all ${8} aspects`);
  const forms = [...behaviour.intents.values()].filter((i) => i.form).length;
  console.log(
    `${behaviour.intents.size} intents (${forms} with forms), ${behaviour.garbage.items.length} garbage items, ${behaviour.halls.size} service halls, ` +
      `${departments.list.length} departments (${dispatch ? `${dispatch.train.length} dispatch training messages` : 'no dispatch corpus'}): ` +
      `${problems.length === 0 ? 'OK' : `${problems.length} problem(s)`}`,
  );
  return problems.length === 0 ? 0 : 1;
});
