-- A person's own email address and telephone number (adults and young people), kept as written. Matching reads
-- them normalised from the person's match record; one that does not parse is kept but not used for matching.
alter table person add column email text check (char_length(email) between 1 and 254);
alter table person add column telephone text check (char_length(telephone) between 1 and 40);
