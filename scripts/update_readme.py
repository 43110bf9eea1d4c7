"""Fill README.md's demo output and rules table from the real commands: python scripts/update_readme.py"""
import re, subprocess
readme = open("README.md").read()
demo = subprocess.run(["textsieve", "check", "--no-cache", "samples/"], capture_output=True, text=True,
                      env={**__import__("os").environ, "NO_COLOR": "1"}).stdout
block = "<!-- demo-output -->\n```console\n$ textsieve check samples/\n" + demo + "```\n<!-- /demo-output -->"
readme = re.sub(r"<!-- demo-output -->.*?(<!-- /demo-output -->|(?=\n## ))", lambda m: block, readme, count=1, flags=re.S)
rules = subprocess.run(["textsieve", "rules", "--format", "json"], capture_output=True, text=True).stdout
import json
rows = ["| code | name | severity | default | fix | what it flags |", "|---|---|---|---|---|---|"]
for r in json.loads(rules):
    rows.append(f"| `{r['code']}` | {r['name']} | {r['severity']} | {'on' if r['default'] else 'off'} | "
                f"{'yes' if r['fixable'] else ''} | " + r['summary'].replace('|', '&#124;') + " |")
table = "<!-- rules-table -->\n" + "\n".join(rows) + "\n<!-- /rules-table -->"
readme = re.sub(r"<!-- rules-table -->.*?(<!-- /rules-table -->|(?=\n\nRules are plugins))", lambda m: table, readme, count=1, flags=re.S)
open("README.md", "w").write(readme)
