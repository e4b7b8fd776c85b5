// Request validation with TypeBox's compiler: bodies are checked as sent (unknown fields refused, no
// coercion, nothing stripped); query strings and path params are text, converted by the schema first.
import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';

/** Installs the validator on `app` (DEPENDENCIES.md: never strip, never coerce a body). */
export function useTypeBoxValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const s = schema as TSchema;
    const check = TypeCompiler.Compile(s);
    const text = httpPart === 'querystring' || httpPart === 'params';
    return (data: unknown) => {
      const value = text ? Value.Convert(s, Value.Default(s, Value.Clone(data))) : data;
      if (check.Check(value)) return { value };
      const e = check.Errors(value).First();
      const where = e === undefined || e.path === '' ? httpPart : `${httpPart} ${e.path.slice(1)}`;
      return { error: new Error(`${where}: ${e?.message ?? 'invalid'}`) };
    };
  });
}
