"""Writes prompts/holidays.csv: national public holidays for /setup set
holidays, from the python-holidays package (https://github.com/vacanza/holidays,
MIT licence). Run: pip install holidays && python3 contrib/holiday_data.py > prompts/holidays.csv
"""
import csv
import sys

import holidays

COUNTRIES = """AR AT AU BE BR CA CH CL CN CO CZ DE DK ES FI FR GB IE IL IN IT JP KR MX NL NO NZ PL PT SE SG US ZA""".split()
YEARS = range(2026, 2031)

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["country", "date", "name"])
for country in COUNTRIES:
    days = holidays.country_holidays(country, years=YEARS, language="en_US")
    for day, name in sorted(days.items()):
        out.writerow([country, day.isoformat(), name])
