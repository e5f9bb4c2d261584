"""信访 (petitions): registration from every channel, the procedure of the 2022 《信访工作条例》 on
working-day deadlines, repeats linked by matter (事项), 积案 and 领导包案."""
