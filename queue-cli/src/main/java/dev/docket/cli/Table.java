package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code docket jobs}: the commands on single jobs. */

/** A text table: columns two spaces apart, numbers aligned right. */
final class Table {
  private final List<String> header = new ArrayList<>();
  private final List<Boolean> rightAligned = new ArrayList<>();
  private final List<List<String>> rows = new ArrayList<>();

  Table(String first) {
    left(first);
  }

  Table left(String column) {
    header.add(column);
    rightAligned.add(false);
    return this;
  }

  Table right(String column) {
    header.add(column);
    rightAligned.add(true);
    return this;
  }

  void row(List<String> row) {
    rows.add(row);
  }

  void print(PrintWriter out) {
    int[] widths = new int[header.size()];
    for (List<String> row : concat()) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : concat()) {
      var line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          line.append("  ");
        }
        String format = "%" + (rightAligned.get(i) ? "" : "-") + widths[i] + "s";
        line.append(format.formatted(row.get(i)));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private List<List<String>> concat() {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    return all;
  }
}
