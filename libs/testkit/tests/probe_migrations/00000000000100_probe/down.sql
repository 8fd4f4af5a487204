DROP TABLE probe_switch; DROP TABLE probe_effects; DROP TABLE probe_things;
