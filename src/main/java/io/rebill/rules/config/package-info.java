/** msp.yaml: parsing and writing billing as code. A named interface of the rules feature. */
@NamedInterface("config")
package io.rebill.rules.config;

import org.springframework.modulith.NamedInterface;
