-- The abbreviations practitioners search the directory with, and what they stand for: data a partnership can add to.
create table directory_search_synonym (
  term citext primary key,
  means text[] not null check (cardinality(means) > 0),
  created_at timestamptz not null default now()
);

insert into directory_search_synonym (term, means) values
  ('camhs', array['child and adolescent mental health', 'children and young people''s mental health', 'mental health']),
  ('mst', array['multi-systemic therapy', 'multisystemic therapy']),
  ('yos', array['youth offending', 'youth justice']),
  ('yjs', array['youth justice', 'youth offending']),
  ('senco', array['special educational needs', 'SEND']),
  ('send', array['special educational needs', 'disabilit']),
  ('sen', array['special educational needs']),
  ('hv', array['health visit']),
  ('dva', array['domestic abuse', 'domestic violence']),
  ('dv', array['domestic abuse', 'domestic violence']),
  ('asd', array['autism', 'autistic']),
  ('adhd', array['attention deficit']),
  ('neet', array['not in education, employment or training', 'employment', 'training']),
  ('ehc', array['education, health and care']),
  ('ehcp', array['education, health and care plan']),
  ('tac', array['team around the child', 'team around the family']),
  ('taf', array['team around the family', 'team around the child']),
  ('esol', array['english for speakers of other languages', 'english classes']),
  ('sw', array['social work']);
