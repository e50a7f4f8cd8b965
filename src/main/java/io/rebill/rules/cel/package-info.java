/** CEL conditions compiled to DuckDB SQL, with the Java reference evaluator. A named interface of the rules feature. */
@NamedInterface("cel")
package io.rebill.rules.cel;

import org.springframework.modulith.NamedInterface;
