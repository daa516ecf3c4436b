export const AUTH_PLACEHOLDER = 'auth';
