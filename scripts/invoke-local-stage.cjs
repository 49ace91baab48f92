// A local osls plugin: `npx serverless invoke local` on a stage whose function environment holds CloudFormation
// references (e.g. the alert topic's { Ref: AlertTopic }) would look them up in a deployed stack and fail with a
// confusing AWS error. It fails first, in one line, naming the stage that has literal values: --stage local.
'use strict';

class InvokeLocalStage {
  constructor(serverless, options) {
    this.hooks = {
      initialize: () => {
        const commands = serverless.processedInput?.commands ?? [];
        if (commands[0] !== 'invoke' || commands[1] !== 'local') return;
        const fn = serverless.service.functions?.[options.function];
        if (!fn) return; // osls itself reports an unknown function
        const environment = { ...serverless.service.provider.environment, ...fn.environment };
        const references = Object.keys(environment).filter(
          (name) => environment[name] !== null && typeof environment[name] === 'object',
        );
        if (references.length === 0) return;
        const stage = options.stage ?? serverless.service.provider.stage;
        const names = references.join(', ');
        if (stage === 'local') {
          throw new serverless.classes.Error(
            `invoke local: function ${options.function} needs ${names} from a deployed stack, even on stage local; ` +
              `run it deployed, or its tests (npm run test:e2e)`,
            'MFA_DELETE_GUARD_INVOKE_LOCAL_DEPLOYED_ONLY',
          );
        }
        const path = typeof options.path === 'string' ? options.path : 'events/manual-bucket.json';
        throw new serverless.classes.Error(
          `invoke local: stage "${stage}" leaves ${names} of function ${options.function} to ` +
            `CloudFormation; run it with --stage local (literal values, no AWS lookup): ` +
            `npx serverless invoke local --stage local -f ${options.function} --path ${path}`,
          'MFA_DELETE_GUARD_INVOKE_LOCAL_STAGE',
        );
      },
    };
  }
}

module.exports = InvokeLocalStage;
