-- Billing rules, workflows and assignments edited in the portal (io.rebill.rules.store, docs/portal-billing-rules.md).
-- msp.yaml is ordered: rules and workflows are listed in the MSP's order, and customers claim lines in theirs.

ALTER TABLE billing_rule ADD COLUMN position integer NOT NULL DEFAULT 0;

ALTER TABLE workflow ADD COLUMN position integer NOT NULL DEFAULT 0;
ALTER TABLE workflow ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
-- set for the workflow a customer account got by "Assign a Billing Rule" (its own selection of rules); null for the
-- MSP's shared workflows
ALTER TABLE workflow ADD COLUMN customer_account_id uuid REFERENCES account (id) ON DELETE CASCADE;

-- a customer's place in the claim order of msp.yaml (a line belongs to the first customer that claims it);
-- null: after the ordered ones, by creation
ALTER TABLE account ADD COLUMN claim_position integer;

-- an assignment names a workflow of the same MSP; renaming the workflow's key carries the assignments along, and a
-- workflow still assigned cannot be deleted
ALTER TABLE billing_assignment ADD CONSTRAINT billing_assignment_workflow
    FOREIGN KEY (msp_id, workflow_key) REFERENCES workflow (msp_id, key) ON UPDATE CASCADE;

CREATE INDEX billing_assignment_msp ON billing_assignment (msp_id);
