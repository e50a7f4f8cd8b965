/**
 * What every feature may use: money, billing periods, errors, paging, SQL statements, DuckDB and settings. An open
 * module (its sub-packages are all its interface); it depends on no feature.
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
package io.rebill.shared;

import org.springframework.modulith.ApplicationModule;
