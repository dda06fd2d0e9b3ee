-- shipshape serve, schema 9 undone: the foreign keys of check results and area scores return.
ALTER TABLE check_results
    ADD FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE CASCADE,
    ADD FOREIGN KEY (unit_id) REFERENCES units(id),
    ADD FOREIGN KEY (fragment_id) REFERENCES fragments(id);
ALTER TABLE area_scores
    ADD FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE CASCADE,
    ADD FOREIGN KEY (unit_id) REFERENCES units(id);
