import { ValidateBy, buildMessage, isEmail, type ValidationOptions } from 'class-validator';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * class-validator's `@IsEmail()`, safe for any string: validator.js's isEmail throws a URIError on
 * half of a surrogate pair ("URI malformed"), which would reach the client as an internal error
 * instead of BAD_USER_INPUT. Same constraint name and message as `@IsEmail()`.
 */
export function IsEmailAddress(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmail',
      validator: {
        validate: (value: unknown): boolean => {
          if (typeof value !== 'string' || LONE_SURROGATE.test(value)) return false;
          try {
            return isEmail(value);
          } catch {
            return false;
          }
        },
        defaultMessage: buildMessage((eachPrefix) => `${eachPrefix}$property must be an email`, validationOptions),
      },
    },
    validationOptions,
  );
}
