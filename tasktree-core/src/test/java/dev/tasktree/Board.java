package dev.tasktree;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A mutable blackboard for tests. */
public class Board {
  public String text;
  public Object value;
  public int count;
  public boolean flag;
  public final AtomicInteger counter = new AtomicInteger();
  public final List<String> events = new CopyOnWriteArrayList<>();
  public List<Object> items = new ArrayList<>();

  public Board() {}

  public Board(String text) {
    this.text = text;
  }

  public void setValue(Object value) {
    this.value = value;
  }

  public void setText(String text) {
    this.text = text;
  }

  public String getText() {
    return text;
  }

  public int getCount() {
    return count;
  }

  public boolean isFlag() {
    return flag;
  }
}
