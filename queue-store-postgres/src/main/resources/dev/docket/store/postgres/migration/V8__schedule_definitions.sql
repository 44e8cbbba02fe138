-- What each schedule does, as the runtime that defined it last wrote it (a JSON document of its
-- trigger and job), so that tools working on the store without the application's code, such as
-- the docket command, can list a schedule's trigger and run its job. Text, not jsonb: the store
-- keeps it as it is and reads nothing into it.

ALTER TABLE "${docket_schema}".schedules ADD COLUMN definition text;
