// oidc-provider ships no type declarations; the suite uses a small part of it.
declare module "oidc-provider";
