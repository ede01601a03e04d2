-- Households get their area from the postcode: fill it in for existing households whose postcode district maps to
-- exactly one area. A district several areas share is left for someone to choose when they record the address.
update household h
   set area_id = m.area_id
  from (select district, (array_agg(area_id))[1] as area_id
          from area_postcode_district group by district having count(*) = 1) m
 where h.area_id is null
   and m.district = upper(regexp_replace(replace(h.postcode, ' ', ''), '[0-9][A-Za-z]{2}$', ''));
