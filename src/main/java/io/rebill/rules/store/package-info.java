/** The portal's billing configuration store (rules, workflows, assignments, msp.yaml import and export, preview). A named interface of the rules feature. */
@NamedInterface("store")
package io.rebill.rules.store;

import org.springframework.modulith.NamedInterface;
