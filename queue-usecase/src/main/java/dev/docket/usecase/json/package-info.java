/**
 * The JSON payload codec, built on Jackson: the only place in the use-case layer that knows a JSON
 * library.
 */
package dev.docket.usecase.json;
