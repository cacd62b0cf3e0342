import { ValidateBy, buildMessage, isEmail, type ValidationOptions } from 'class-validator';
import { hasLoneSurrogate } from './text-rule';

/**
 * class-validator's `@IsEmail()`, safe for any string: validator.js's isEmail throws a URIError on
 * half of a surrogate pair ("URI malformed"), which would reach the client as an internal error
 * instead of BAD_USER_INPUT. Same constraint name and message as `@IsEmail()`. (The text rule refuses
 * such strings before any resolver runs; this keeps the validator itself safe for any input.)
 */
export function IsEmailAddress(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmail',
      validator: {
        validate: (value: unknown): boolean => {
          if (typeof value !== 'string' || hasLoneSurrogate(value)) return false;
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
