package dev.tasktree.llm;

import java.util.ArrayList;
import java.util.List;

/** A test blackboard: a chat history, an answer slot and a counter tools can bump. */
final class Chat {
  final List<Message> messages = new ArrayList<>();
  volatile String answer;
  final String topic;

  Chat(String question) {
    this("trees", question);
  }

  Chat(String topic, String question) {
    this.topic = topic;
    messages.add(Message.system("Be brief."));
    messages.add(Message.user(question));
  }

  List<Message> messages() {
    return messages;
  }

  String topic() {
    return topic;
  }

  void setAnswer(String answer) {
    this.answer = answer;
  }
}
